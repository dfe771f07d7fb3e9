/** Burrow's version, one place for all (a unit test keeps it equal to package.json's). */
export const BURROW_VERSION = '0.1.0';

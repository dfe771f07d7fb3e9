/** The client name of Burrow's own sessions (the window's inspector, `burrow tools`, `burrow call`). */
export const INSPECTOR_CLIENT_NAME = 'burrow-inspector';

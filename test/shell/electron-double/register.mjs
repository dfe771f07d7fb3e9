// `node --import ./register.mjs dist/electron/main.js` boots the shell with the double as 'electron'.
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url);

#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in dist/ (`npm run build:node`).
import '../dist/electron/cli/burrow.js';

#!/usr/bin/env node
// The `hml` command line. The bundle is built by `npm run build` (which `npm ci` runs through `prepare`).
import '../dist/cli.mjs';

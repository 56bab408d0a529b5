#!/usr/bin/env node
// The installed `facsimile` executable. A committed file, so npm can link it before the build runs;
// the command itself is compiled to ../dist/main.js by `npm ci` (prepare) or `npm run build`.
import "../dist/main.js";

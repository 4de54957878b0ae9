#!/usr/bin/env node
// The headless CLI: the same engine as the language server, bundled into dist/cli.js.
require('../dist/cli.js');

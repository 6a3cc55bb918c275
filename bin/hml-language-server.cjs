#!/usr/bin/env node
// The HEP ML Lab language server for any LSP client: `hml-language-server --stdio`.
require('../dist/server.cjs');

#!/usr/bin/env node
// Committed shim so that package managers can link the bin before the first build.
import '../dist/bin/synapse.js';

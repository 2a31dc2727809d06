#!/usr/bin/env node
// The headless CLI's launcher (built to out/gateway/cli.cjs): runs the CLI's bundle, gatehouse-cli.cjs beside it
// (bundle-options.ts), through V8's code cache (code-cache.ts), then sets the gateway's V8 options (v8-flags.ts):
// after the bundle and the Node modules it requires at start-up are compiled, before it serves. The file name is a
// literal, so the launcher stays free of build code; the CLI's tests run the two as built, and fail if they differ.
// First of all it holds one of Node's nextTick records for the process's life (tick-object-class.ts says why).
import { join } from 'node:path';
import { runWithCodeCache } from './code-cache';
import { applyGatewayV8Flags } from './v8-flags';
import { holdTickObjectClass } from './tick-object-class';

holdTickObjectClass();
runWithCodeCache(join(__dirname, 'gatehouse-cli.cjs'));
applyGatewayV8Flags();

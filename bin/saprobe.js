#!/usr/bin/env node
// The installed entry point. All logic, including the exit code, lives in dist/cli/main.js.
import { main } from "../dist/cli/main.js";

process.exitCode = await main(process.argv.slice(2));

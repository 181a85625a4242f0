#!/usr/bin/env node
// The medslip command. The package runs its TypeScript sources directly through tsx (no build step).
// Errors end the process with "medslip: <message>" and exit code 1; MEDSLIP_DEBUG=1 prints the stack too.
import { register } from 'tsx/esm/api';

register();
try {
  const { main } = await import('../src/cli.ts');
  await main(process.argv);
} catch (error) {
  const message = error instanceof Error ? (process.env.MEDSLIP_DEBUG ? error.stack : error.message) : String(error);
  console.error(`medslip: ${message}`);
  process.exitCode = 1;
}

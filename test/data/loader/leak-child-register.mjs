// Starts leak-child.ts the way bin/medslip.js starts the CLI: tsx's register() in a plain node process.
import { register } from 'tsx/esm/api';

register();
await import('./leak-child.ts');

/** Where `medslip serve` listens by default, apart from the server so that the command line reads it without esbuild. */
export const SERVE_DEFAULTS = Object.freeze({ port: 8080, host: '127.0.0.1' });

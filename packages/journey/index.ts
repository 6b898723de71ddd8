import { fileURLToPath } from 'node:url';

/** Where the built journey lives (index.html and assets/); the openidv server serves it at /j/<token>. */
export const journeyDistDir = fileURLToPath(new URL('./dist', import.meta.url));

import { config } from 'zod';

// Imported first by main.tsx, before any schema is built. The page's CSP forbids eval; without
// this, zod probes `new Function` while building object schemas, and the browser reports that as
// a security policy violation even though zod catches the error.
config({ jitless: true });

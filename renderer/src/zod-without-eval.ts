import { z } from 'zod';

// zod probes `new Function` to pick its JIT; the window's CSP forbids eval, so say no before any schema exists.
z.config({ jitless: true });

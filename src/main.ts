// `npm start`: the API and the workers in one process (set ORDO_DISABLE_WORKERS=1 for API only).
import 'reflect-metadata';
import { runProcess } from './process.js';

await runProcess('all');

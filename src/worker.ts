// `npm run worker`: workers only (and the outbox relay); start as many as the load needs.
import 'reflect-metadata';
import { runProcess } from './process.js';

await runProcess('worker');

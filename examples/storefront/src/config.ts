// Where the engine is: public/config.js at run time (one build, any engine), else VITE_ORDO_URL at build
// time, else the engine's default address.
declare global {
  interface Window {
    ORDO_CONFIG?: { url?: string };
  }
}

export const ENGINE_URL: string = window.ORDO_CONFIG?.url || import.meta.env.VITE_ORDO_URL || 'http://localhost:4000/graphql';

/** graphql-ws listens on the same path: http → ws, https → wss. */
export const ENGINE_WS_URL = ENGINE_URL.replace(/^http/i, 'ws');

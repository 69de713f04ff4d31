export { startServer, type RunningServer, type StartServerOptions } from './start-server.js';
export { loadServerConfig, type ServerConfig } from './server-config.js';
export { CLOSE_UNAUTHORIZED } from './websocket-gateway.js';
export { serverNodeFlags } from './node-flags.js';

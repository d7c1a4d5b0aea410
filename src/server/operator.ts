// The operator CLI's door into the server layer: the stores it opens beside a running server.
export { openOperatorStores, type OperatorStores } from './app.js';

/** Entry of `dist/server.js`: `--stdio` or `--node-ipc`, as createConnection reads from argv. */
import * as path from 'node:path';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { RlLabServer } from './server';

new RlLabServer(createConnection(ProposedFeatures.all), { workerPath: path.join(__dirname, 'worker.js') }).listen();

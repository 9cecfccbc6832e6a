// Entry point of dist/server.js: the language server over IPC or stdio (chosen by the command line).
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './server';

startServer(createConnection(ProposedFeatures.all));

import type { Client } from '../clients/client.js';
import { usesSecret } from '../clients/client.js';
import { randomToken } from '../util/random.js';
import {
  CONFIG_FLAGS,
  CONFIG_FLAGS_HELP,
  CommandError,
  commandGroup,
  isoTime,
  parseFlags,
  positionals,
  table,
  type CommandIO,
} from './args.js';
import { CLIENT_METADATA_FLAGS, CLIENT_METADATA_HELP, metadataFromFlags } from './client-flags.js';
import { withServices } from './open-services.js';

/** `tessera clients ...`: register and manage clients. Every path validates like the config does. */
export const clientsCommand = commandGroup('clients', {
  create: { summary: 'register a client (a secret is generated and shown once)', run: createClient },
  list: { summary: 'list the registered clients', run: listClients },
  show: { summary: "show a client's metadata (never its secret)", run: showClient },
  update: { summary: "change a client's metadata, or --rotate-secret", run: updateClient },
  delete: { summary: 'delete a client', run: deleteClient },
});

const CREATE_HELP = `Usage: tessera clients create [--id ID] [metadata flags] [--json]

Registers a client. Clients that authenticate with a secret get a generated one, printed
once: only its HMAC is stored, so it cannot be shown again (use update --rotate-secret).

      --id ID                           client_id (default: a random one)
${CLIENT_METADATA_HELP}
${CONFIG_FLAGS_HELP}`;

async function createClient(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals: rest } = parseFlags(argv, { ...CLIENT_METADATA_FLAGS, ...CONFIG_FLAGS });
  if (values.help) return help(io, CREATE_HELP);
  positionals(rest, []);
  const metadata = metadataFromFlags(values);
  metadata.client_id ??= randomToken(16);
  const clientId = String(metadata.client_id);
  return withServices(values.config, io, async (services) => {
    if (await services.clients.find(clientId)) throw new CommandError(`client ${clientId} already exists (use clients update)`);
    const { client, secret } = await services.clients.save(metadata, 'cli');
    printSaved(io, values.json, 'created', client, secret);
    return 0;
  });
}

const LIST_HELP = `Usage: tessera clients list [--json]

${CONFIG_FLAGS_HELP}`;

async function listClients(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals: rest } = parseFlags(argv, CONFIG_FLAGS);
  if (values.help) return help(io, LIST_HELP);
  positionals(rest, []);
  return withServices(values.config, io, async (services) => {
    const clients = await services.clients.list();
    if (values.json) io.out(JSON.stringify(clients.map(describe)));
    else if (clients.length === 0) io.out('no clients');
    else {
      const rows = clients.map((c) => [
        c.clientId,
        c.metadata.token_endpoint_auth_method,
        c.metadata.grant_types.join(','),
        c.origin,
        c.metadata.client_name ?? '',
      ]);
      io.out(table(['CLIENT_ID', 'AUTH_METHOD', 'GRANT_TYPES', 'ORIGIN', 'NAME'], rows));
    }
    return 0;
  });
}

const SHOW_HELP = `Usage: tessera clients show <client_id> [--json]

${CONFIG_FLAGS_HELP}`;

async function showClient(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals: rest } = parseFlags(argv, CONFIG_FLAGS);
  if (values.help) return help(io, SHOW_HELP);
  const [clientId] = positionals(rest, ['client_id']);
  return withServices(values.config, io, async (services) => {
    const client = await findOrFail(services.clients.find(clientId), clientId);
    io.out(values.json ? JSON.stringify(describe(client)) : JSON.stringify(describe(client), null, 2));
    return 0;
  });
}

const UPDATE_HELP = `Usage: tessera clients update <client_id> [metadata flags] [--rotate-secret] [--json]

Changes the given metadata members (a repeatable flag replaces the whole list); the rest
stays. A client that starts using a secret gets a generated one, printed once.

      --rotate-secret                   generate a new secret (printed once); the old one stops working
${CLIENT_METADATA_HELP}
${CONFIG_FLAGS_HELP}`;

async function updateClient(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals: rest } = parseFlags(argv, {
    ...CLIENT_METADATA_FLAGS,
    ...CONFIG_FLAGS,
    'rotate-secret': { type: 'boolean' },
  });
  if (values.help) return help(io, UPDATE_HELP);
  const [clientId] = positionals(rest, ['client_id']);
  const changes = metadataFromFlags(values);
  if (changes.client_id !== undefined && changes.client_id !== clientId) throw new CommandError('the client_id of a client cannot change');
  return withServices(values.config, io, async (services) => {
    const existing = await findOrFail(services.clients.find(clientId), clientId);
    let { client, secret } = await services.clients.save({ ...existing.metadata, ...changes, client_id: clientId }, existing.origin);
    if (values['rotate-secret']) {
      if (!usesSecret(client.metadata.token_endpoint_auth_method))
        throw new CommandError(`client ${clientId} uses ${client.metadata.token_endpoint_auth_method}, which has no secret`);
      secret = await services.clients.rotateSecret(clientId);
      client = (await services.clients.find(clientId)) ?? client;
    }
    printSaved(io, values.json, 'updated', client, secret);
    return 0;
  });
}

const DELETE_HELP = `Usage: tessera clients delete <client_id> [--json]

${CONFIG_FLAGS_HELP}`;

async function deleteClient(argv: string[], io: CommandIO): Promise<number> {
  const { values, positionals: rest } = parseFlags(argv, CONFIG_FLAGS);
  if (values.help) return help(io, DELETE_HELP);
  const [clientId] = positionals(rest, ['client_id']);
  return withServices(values.config, io, async (services) => {
    if (!(await services.clients.delete(clientId))) throw new CommandError(`no client ${clientId}`);
    io.out(values.json ? JSON.stringify({ deleted: clientId }) : `deleted client ${clientId}`);
    return 0;
  });
}

/** What the CLI shows of a client: its metadata and whether it has a secret, never the secret or its hash. */
function describe(client: Client): Record<string, unknown> {
  return { ...client.metadata, has_secret: client.secretHash !== null, origin: client.origin, created_at: client.createdAt };
}

function printSaved(io: CommandIO, json: boolean | undefined, verb: string, client: Client, secret: string | undefined): void {
  if (json) {
    io.out(JSON.stringify({ ...describe(client), ...(secret ? { client_secret: secret } : {}) }));
    return;
  }
  io.out(`${verb} client ${client.clientId} (${client.metadata.token_endpoint_auth_method}, created ${isoTime(client.createdAt)})`);
  if (secret) {
    io.out(`client_secret: ${secret}`);
    io.out('Store this secret now: it is kept only as a hash and cannot be shown again.');
  }
}

async function findOrFail(found: Promise<Client | undefined>, clientId: string): Promise<Client> {
  const client = await found;
  if (!client) throw new CommandError(`no client ${clientId}`);
  return client;
}

function help(io: CommandIO, text: string): number {
  io.out(text);
  return 0;
}

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ensureConsoleBuilt } from '@openidv/console/build';
import { LIST_FORMATS, type ListFormat } from '@openidv/screening';
import { apiKeys, applications, dialects, identityProviders, staff } from '@openidv/storage';
import { ConfigError, describeConfig, loadConfig } from '../config/config.ts';
import { DIALECTS, isDialect } from '../dialects/dialect.ts';
import { createPlatform, type Platform } from '../platform/platform.ts';
import { bootstrapIfEmpty } from '../usecases/applications/bootstrap-application.ts';
import {
  createDialectCredential,
  listDialectCredentials,
  revokeDialectCredential,
  setDialectWebhook,
} from '../usecases/dialects/dialect-credentials.ts';
import {
  createProvider,
  deleteProvider,
  identityProviderInput,
  presentProvider,
} from '../usecases/eid/identity-providers.ts';
import { eidRedirectUri } from '../usecases/eid/oidc-clients.ts';
import { createApiKey, revokeApiKey } from '../usecases/keys/api-keys.ts';
import {
  importRiskData,
  RISK_DATA_KINDS,
  type RiskDataKind,
  showRiskData,
} from '../usecases/risk/risk-data.ts';
import { importList } from '../usecases/screening/import-list.ts';
import { createStaffInput, createStaffUser, presentStaff } from '../usecases/staff/manage-staff.ts';
import { buildJourneyIfStale, startServer } from './start-server.ts';

const HELP = `openidv — self-hosted identity verification

Usage:
  openidv start                          Start the API server and workers (first start creates an application).
  openidv keys create --name NAME [--json] [--application APP_ID]
  openidv keys create --name NAME --dialect veriff|idenfy|didit|hopae [--webhook-url URL] [--json]
                                         A vendor dialect credential: prints its key and secret once.
  openidv keys webhook KEY_ID --url URL|none   Set a dialect credential's webhook URL.
  openidv keys list [--json] [--application APP_ID]
  openidv keys revoke KEY_ID [--application APP_ID]
  openidv lists import FILE… [--format FORMAT]
                                         Import a sanctions list as a new version (OFAC SDN XML/CSV, UN, EU, UK,
                                         OpenSanctions); approved users are screened again against it.
  openidv lists show [--json]            The lists in service.
  openidv risk-data import KIND FILE [--date YYYY-MM-DD] [--licence TEXT]
                                         Refresh risk data: tor (exit list), vpn (ranges), hosting (ranges, AS
                                         numbers or a cloud provider's JSON), country-ipv4/6, asn-ipv4/6
                                         (ip-location-db CSV), disposable (email domains). Replaces the shipped copy.
  openidv risk-data show [--json]        The risk data in service, with source, licence and date.
  openidv users create --email EMAIL --password PASSWORD --role admin|reviewer|viewer [--name NAME] [--json]
                                         Create a console user (staff) who signs in at /console.
  openidv users list [--json]            The console users.
  openidv eid-providers add --id PROVIDER_ID --name NAME --issuer URL --client-id ID
      (--client-secret SECRET | --private-key-file KEY.jwk) --level low|substantial|high
      [--scopes "openid profile"] [--flows redirect,qr,push] [--acr-values A,B] [--json]
                                         Add an OpenID Connect eID provider (discovery is read now); prints the
                                         redirect URI to register at the provider.
  openidv eid-providers list [--json]    The eID providers.
  openidv eid-providers remove PROVIDER_ID
  openidv migrate                        Bring the database schema up to date.
  openidv config                         Print every setting with its default.

Settings come from the environment (see "openidv config"); the database is SQLite in
OPENIDV_DATA_DIR unless DATABASE_URL points at PostgreSQL.`;

async function withPlatform<T>(fn: (p: Platform) => Promise<T>): Promise<T> {
  const platform = await createPlatform(loadConfig(), {});
  platform.logger.level = 'warn';
  try {
    return await fn(platform);
  } finally {
    await platform.close();
  }
}

/** The application a CLI command acts on: the one given, or the only one there is (created on first use). */
async function resolveApplication(platform: Platform, given: string | undefined): Promise<string> {
  if (given) {
    if (!(await applications.findApplication(platform.database.db, given)))
      throw new UsageError(`No application ${given}.`);
    return given;
  }
  await bootstrapIfEmpty(platform);
  const apps = await applications.listApplications(platform.database.db);
  if (apps.length > 1)
    throw new UsageError(`There are ${apps.length} applications; name one with --application.`);
  return apps[0]!.id;
}

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      json: { type: 'boolean', default: false },
      application: { type: 'string' },
      dialect: { type: 'string' },
      'webhook-url': { type: 'string' },
      url: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
      format: { type: 'string' },
      date: { type: 'string' },
      licence: { type: 'string' },
      email: { type: 'string' },
      password: { type: 'string' },
      role: { type: 'string' },
      id: { type: 'string' },
      issuer: { type: 'string' },
      'client-id': { type: 'string' },
      'client-secret': { type: 'string' },
      'private-key-file': { type: 'string' },
      level: { type: 'string' },
      scopes: { type: 'string' },
      flows: { type: 'string' },
      'acr-values': { type: 'string' },
    },
  });
  const [command, sub, arg] = positionals;
  if (values.help || !command || command === 'help') {
    console.log(HELP);
    return 0;
  }
  switch (command) {
    case 'start': {
      const config = loadConfig();
      await buildJourneyIfStale();
      await ensureConsoleBuilt();
      await startServer(config);
      return -1; // keeps running
    }
    case 'migrate':
      await withPlatform(async () => {});
      console.log('Database schema is up to date.');
      return 0;
    case 'config':
      console.log(describeConfig());
      return 0;
    case 'lists':
      return withPlatform(async (platform) => {
        if (sub === 'import') {
          const files = positionals.slice(2);
          if (files.length === 0) throw new UsageError('lists import needs one or more files.');
          if (values.format && !(LIST_FORMATS as readonly string[]).includes(values.format)) {
            throw new UsageError(`--format must be one of ${LIST_FORMATS.join(', ')}.`);
          }
          const v = await importList(platform, files, values.format as ListFormat | undefined);
          const out = {
            version: v.id,
            format: v.format,
            listId: v.meta.listId,
            title: v.meta.title,
            date: v.meta.date,
            entityCount: v.entityCount,
          };
          console.log(
            values.json
              ? JSON.stringify(out)
              : `Imported ${v.meta.title} (${v.meta.listId}, ${v.meta.date ?? 'undated'}): ${v.entityCount} entries, version ${v.id}. Approved users will be screened again.`,
          );
          return 0;
        }
        if (sub === 'show') {
          await platform.screening.refresh();
          const lists = platform.screening.lists();
          if (values.json) console.log(JSON.stringify(lists));
          else
            for (const l of lists)
              console.log(
                `${l.listId}  ${l.date ?? '?'}  ${l.entityCount} entries  ${l.version}  ${l.title}`,
              );
          return 0;
        }
        throw new UsageError(`Unknown lists command "${sub ?? ''}".`);
      });
    case 'risk-data': {
      const { dataDir } = loadConfig();
      if (sub === 'import') {
        const file = positionals[3];
        if (!arg || !(RISK_DATA_KINDS as readonly string[]).includes(arg) || !file)
          throw new UsageError(
            `risk-data import needs KIND FILE; KIND is one of ${RISK_DATA_KINDS.join(', ')}.`,
          );
        if (values.date && !/^\d{4}-\d{2}-\d{2}$/.test(values.date))
          throw new UsageError('--date must be YYYY-MM-DD.');
        try {
          const r = importRiskData(dataDir, arg as RiskDataKind, file, {
            date: values.date,
            licence: values.licence,
          });
          console.log(
            values.json ? JSON.stringify(r) : `Imported ${r.entries} ${r.kind} entries into ${r.file}.`,
          );
          return 0;
        } catch (e) {
          console.error(`Import failed: ${(e as Error).message}`);
          return 1;
        }
      }
      if (sub === 'show') {
        const data = showRiskData(dataDir);
        if (values.json) console.log(JSON.stringify(data));
        else
          for (const d of data)
            console.log(
              `${d.name.padEnd(13)} ${d.origin.padEnd(9)} ${(d.date ?? '?').padEnd(32)} ${d.licence}`,
            );
        return 0;
      }
      throw new UsageError(`Unknown risk-data command "${sub ?? ''}".`);
    }
    case 'keys':
      return withPlatform(async (platform) => {
        const appId = await resolveApplication(platform, values.application);
        if (sub === 'create' && values.dialect !== undefined) {
          if (!values.name) throw new UsageError('keys create needs --name NAME.');
          if (!isDialect(values.dialect))
            throw new UsageError(`--dialect must be one of ${DIALECTS.join(', ')}.`);
          const c = await createDialectCredential(platform, appId, {
            name: values.name,
            dialect: values.dialect,
            webhookUrl: values['webhook-url'],
          });
          const out = { ...c, applicationId: appId };
          console.log(
            values.json
              ? JSON.stringify(out)
              : [
                  `${c.dialect} credential ${c.id} (${c.name}) — shown once:`,
                  `  key:            ${c.key}`,
                  `  secret:         ${c.secret}`,
                  `  base URL:       ${c.baseUrl}`,
                  `  integration id: ${c.integrationId}`,
                  `  webhook URL:    ${c.webhookUrl ?? `(none; set it with: openidv keys webhook ${c.id} --url URL)`}`,
                ].join('\n'),
          );
          return 0;
        }
        if (sub === 'webhook') {
          if (!arg || !values.url)
            throw new UsageError('keys webhook needs the credential id and --url URL (or --url none).');
          const r = await setDialectWebhook(platform, appId, arg, values.url === 'none' ? null : values.url);
          console.log(
            values.json
              ? JSON.stringify(r)
              : r.url
                ? `Webhook URL of ${arg}: ${r.url}`
                : `Removed the webhook URL of ${arg}.`,
          );
          return 0;
        }
        if (sub === 'create') {
          if (!values.name) throw new UsageError('keys create needs --name NAME.');
          const k = await createApiKey(platform, appId, values.name);
          const out = { id: k.id, name: k.name, prefix: k.prefix, key: k.key, applicationId: appId };
          console.log(
            values.json ? JSON.stringify(out) : `API key ${k.id} (${k.name}) — shown once:\n${k.key}`,
          );
          return 0;
        }
        if (sub === 'list') {
          const keys = await apiKeys.listApiKeys(platform.database.db, appId);
          const dialectKeys = await listDialectCredentials(platform, appId);
          if (values.json) console.log(JSON.stringify([...keys, ...dialectKeys]));
          else {
            for (const k of keys)
              console.log(`${k.id}  ${k.prefix}…  ${k.name}${k.revokedAt ? '  (revoked)' : ''}`);
            for (const k of dialectKeys)
              console.log(
                `${k.id}  ${k.keyPrefix}…  ${k.name}  [${k.dialect}]${k.webhookUrl ? `  → ${k.webhookUrl}` : ''}${k.revokedAt ? '  (revoked)' : ''}`,
              );
          }
          return 0;
        }
        if (sub === 'revoke') {
          if (!arg) throw new UsageError('keys revoke needs the key id.');
          const dialectKey = await dialects.findCredential(platform.database.db, appId, arg);
          if (dialectKey) await revokeDialectCredential(platform, appId, arg);
          else await revokeApiKey(platform, appId, arg);
          console.log(`Revoked ${arg}.`);
          return 0;
        }
        throw new UsageError(`Unknown keys command "${sub ?? ''}".`);
      });
    case 'eid-providers':
      return withPlatform(async (platform) => {
        const appId = await resolveApplication(platform, values.application);
        if (sub === 'add') {
          const list = (v: string | undefined, sep: RegExp) => v?.split(sep).filter(Boolean);
          const parsed = identityProviderInput.safeParse({
            providerId: values.id,
            name: values.name,
            issuer: values.issuer,
            clientId: values['client-id'],
            levelOfAssurance: values.level,
            ...(values['client-secret'] && { clientSecret: values['client-secret'] }),
            ...(values['private-key-file'] && {
              clientAuth: 'private_key_jwt',
              privateKeyJwk: JSON.parse(readFileSync(values['private-key-file'], 'utf8')),
            }),
            ...(values.scopes && { scopes: list(values.scopes, /[\s,]+/) }),
            ...(values.flows && { flows: list(values.flows, /,/) }),
            ...(values['acr-values'] && { acrValues: list(values['acr-values'], /,/) }),
          });
          if (!parsed.success) {
            const flag: Record<string, string> = {
              providerId: 'id',
              clientId: 'client-id',
              levelOfAssurance: 'level',
              acrValues: 'acr-values',
            };
            throw new UsageError(
              parsed.error.issues
                .map((i) => `--${flag[String(i.path[0])] ?? String(i.path[0])}: ${i.message}`)
                .join('\n'),
            );
          }
          const p = presentProvider(await createProvider(platform, appId, parsed.data));
          const redirectUri = eidRedirectUri(platform);
          console.log(
            values.json
              ? JSON.stringify({ ...p, redirectUri })
              : `Added eID provider ${p.providerId} (${p.id}). Register this redirect URI at the provider: ${redirectUri}`,
          );
          return 0;
        }
        if (sub === 'list') {
          const all = (await identityProviders.listProviders(platform.database.db, appId)).map(
            presentProvider,
          );
          if (values.json) console.log(JSON.stringify(all));
          else
            for (const p of all)
              console.log(
                `${p.providerId.padEnd(16)} ${p.levelOfAssurance.padEnd(11)} ${p.flows.join(',').padEnd(16)} ${p.issuer}${p.enabled ? '' : '  (disabled)'}`,
              );
          return 0;
        }
        if (sub === 'remove') {
          if (!arg) throw new UsageError('eid-providers remove needs the provider id.');
          await deleteProvider(platform, appId, arg);
          console.log(`Removed eID provider ${arg}.`);
          return 0;
        }
        throw new UsageError(`Unknown eid-providers command "${sub ?? ''}".`);
      });
    case 'users':
      return withPlatform(async (platform) => {
        const appId = await resolveApplication(platform, values.application);
        if (sub === 'create') {
          if (!values.email || !values.password || !values.role)
            throw new UsageError('users create needs --email, --password and --role.');
          const parsed = createStaffInput.safeParse({
            email: values.email,
            password: values.password,
            role: values.role,
            ...(values.name && { name: values.name }),
          });
          if (!parsed.success)
            throw new UsageError(
              parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('\n'),
            );
          const u = await createStaffUser(platform, appId, parsed.data, {
            id: 'system',
            label: 'command line',
          });
          console.log(
            values.json
              ? JSON.stringify(presentStaff(u))
              : `Created ${u.role} ${u.email} (${u.id}). Sign in at ${platform.config.publicUrl}/console`,
          );
          return 0;
        }
        if (sub === 'list') {
          const users = (await staff.listStaffUsers(platform.database.db, appId)).map(presentStaff);
          if (values.json) console.log(JSON.stringify(users));
          else
            for (const u of users)
              console.log(`${u.id}  ${u.role.padEnd(8)}  ${u.email}${u.disabled ? '  (disabled)' : ''}`);
          return 0;
        }
        throw new UsageError(`Unknown users command "${sub ?? ''}".`);
      });
    default:
      throw new UsageError(`Unknown command "${command}".`);
  }
}

try {
  const code = await main(process.argv.slice(2));
  if (code >= 0) process.exit(code);
} catch (e) {
  if (e instanceof ConfigError || e instanceof UsageError) {
    console.error(e.message);
    if (e instanceof UsageError) console.error('\nRun "openidv help" for usage.');
    process.exit(2);
  }
  if (
    e instanceof Error &&
    'code' in e &&
    typeof (e as { code: unknown }).code === 'string' &&
    'status' in e
  ) {
    console.error(e.message);
    process.exit(1);
  }
  console.error(e);
  process.exit(1);
}

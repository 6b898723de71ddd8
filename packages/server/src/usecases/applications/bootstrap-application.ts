import { newId } from '@openidv/domain';
import { applications, workflows } from '@openidv/storage';
import { defaultWorkflowDefinition } from '../../checks/registry.ts';
import type { Platform } from '../../platform/platform.ts';
import { createApiKey } from '../keys/api-keys.ts';
import { newWebhookSecret } from '../webhooks/manage-endpoints.ts';

export interface Bootstrap {
  applicationId: string;
  apiKey: string;
  webhookSecret: string;
}

/**
 * First start: a default application with its default workflow, an API key and a webhook signing secret.
 * The secrets are returned once to be printed; only a hash (key) or ciphertext (secret) is stored.
 */
export async function bootstrapIfEmpty(platform: Platform): Promise<Bootstrap | null> {
  const existing = await applications.listApplications(platform.database.db);
  if (existing.length > 0) return null;
  return createApplication(platform, 'Default application');
}

export async function createApplication(platform: Platform, name: string): Promise<Bootstrap> {
  const now = platform.now().getTime();
  const applicationId = newId('app', now);
  const webhookSecret = newWebhookSecret();
  await platform.database.db.transaction().execute(async (tx) => {
    await applications.insertApplication(tx, {
      id: applicationId,
      name,
      webhookSecretEnc: platform.envelope.sealString(webhookSecret, `application:${applicationId}`),
      now,
    });
    await workflows.insertWorkflow(tx, {
      id: newId('wf', now),
      applicationId,
      definition: platform.checks.validateWorkflow(defaultWorkflowDefinition()),
      isDefault: true,
      now,
    });
  });
  const key = await createApiKey(platform, applicationId, 'Default key');
  return { applicationId, apiKey: key.key, webhookSecret };
}

/** The application's own signing secret: endpoints created without a secret of their own sign with it. */
export async function applicationWebhookSecret(platform: Platform, applicationId: string): Promise<string> {
  const app = await applications.findApplication(platform.database.db, applicationId);
  if (!app) throw new Error(`No application ${applicationId}`);
  return platform.envelope.openString(app.webhookSecretEnc, `application:${applicationId}`);
}

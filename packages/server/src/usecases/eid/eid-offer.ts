import {
  DEFAULT_REQUESTED_CLAIMS,
  DomainError,
  type EidPersonField,
  type EidRequirements,
  LEVELS_OF_ASSURANCE,
  type LevelOfAssurance,
  meetsLevel,
  type Session,
  type WorkflowDefinition,
} from '@openidv/domain';
import { type IdentityProviderRow, identityProviders, workflows } from '@openidv/storage';
import type { Platform } from '../../platform/platform.ts';
import { presentTransaction } from './eid-evidence.ts';

interface EidStepConfig {
  providers: string[];
  minimumLevelOfAssurance?: LevelOfAssurance;
  fallbackToDocument: boolean;
}

/** The workflow's eID step, if it offers eID at all. */
export function eidStep(workflow: WorkflowDefinition): EidStepConfig | undefined {
  const step = workflow.checks.find((c) => c.type === 'eid');
  if (!step) return undefined;
  const c = step.config as Partial<EidStepConfig>;
  return {
    providers: c.providers ?? [],
    fallbackToDocument: c.fallbackToDocument ?? true,
    ...(c.minimumLevelOfAssurance && { minimumLevelOfAssurance: c.minimumLevelOfAssurance }),
  };
}

function higher(a: LevelOfAssurance | undefined, b: LevelOfAssurance | undefined) {
  if (!a) return b;
  if (!b) return a;
  return LEVELS_OF_ASSURANCE.indexOf(a) >= LEVELS_OF_ASSURANCE.indexOf(b) ? a : b;
}

export interface EidOffer {
  providers: IdentityProviderRow[];
  minimumLevelOfAssurance: LevelOfAssurance | undefined;
  requestedClaims: EidPersonField[];
  fallbackToDocument: boolean;
}

/** The providers a session may use: enabled, allowed by its workflow and its own requirements, and strong enough. */
async function offer(
  platform: Platform,
  applicationId: string,
  workflow: WorkflowDefinition,
  req: EidRequirements | undefined,
): Promise<EidOffer | undefined> {
  const step = eidStep(workflow);
  if (!step) return undefined;
  const minimum = higher(step.minimumLevelOfAssurance, req?.minimumLevelOfAssurance);
  const all = await identityProviders.listProviders(platform.database.db, applicationId);
  const providers = all.filter(
    (p) =>
      p.enabled &&
      (!step.providers.length || step.providers.includes(p.providerId)) &&
      (!req?.providers || req.providers.includes(p.providerId)) &&
      meetsLevel(p.levelOfAssurance, minimum),
  );
  return {
    providers,
    minimumLevelOfAssurance: minimum,
    requestedClaims: req?.requestedClaims ?? [...DEFAULT_REQUESTED_CLAIMS],
    // A fallback needs somewhere to fall back to.
    fallbackToDocument: step.fallbackToDocument && workflow.checks.some((c) => c.type === 'document'),
  };
}

/**
 * At session creation: eID requirements must be satisfiable by the workflow's providers, so the business hears of
 * a mistake now rather than the applicant later.
 */
export async function assertEidRequirements(
  platform: Platform,
  applicationId: string,
  workflow: WorkflowDefinition,
  req: EidRequirements,
): Promise<void> {
  const step = eidStep(workflow);
  if (!step) {
    throw new DomainError('EID_PROVIDER_NOT_ENABLED', `The workflow "${workflow.name}" offers no eID step.`);
  }
  const all = await identityProviders.listProviders(platform.database.db, applicationId);
  const allowed = all.filter(
    (p) => p.enabled && (!step.providers.length || step.providers.includes(p.providerId)),
  );
  for (const id of req.providers ?? []) {
    if (!allowed.some((p) => p.providerId === id)) {
      throw new DomainError(
        'EID_PROVIDER_NOT_ENABLED',
        `The identity provider "${id}" is not enabled for this application's workflow.`,
      );
    }
  }
  const candidates = allowed.filter((p) => !req.providers || req.providers.includes(p.providerId));
  const minimum = higher(step.minimumLevelOfAssurance, req.minimumLevelOfAssurance);
  const weak = candidates.filter((p) => !meetsLevel(p.levelOfAssurance, minimum));
  if (req.providers && weak.length) {
    throw new DomainError(
      'EID_LEVEL_UNREACHABLE',
      `${weak.map((p) => `"${p.providerId}" reaches at most "${p.levelOfAssurance}"`).join(', ')}; the session asks for "${minimum}".`,
    );
  }
  if (!candidates.some((p) => meetsLevel(p.levelOfAssurance, minimum))) {
    throw new DomainError(
      'EID_LEVEL_UNREACHABLE',
      `No enabled identity provider reaches the level of assurance "${minimum}".`,
    );
  }
}

export async function eidOffer(platform: Platform, session: Session): Promise<EidOffer | undefined> {
  const workflow = await workflows.findWorkflowVersion(
    platform.database.db,
    session.workflowId,
    session.workflowVersion,
  );
  return workflow && offer(platform, session.applicationId, workflow, session.expected.eid);
}

/** What the journey shows: the providers to choose from, and how the last sign-in ended. */
export async function journeyEid(platform: Platform, session: Session) {
  const o = await eidOffer(platform, session);
  if (!o) return null;
  const [last] = await identityProviders.listTransactions(platform.database.db, session.id);
  return {
    providers: o.providers.map((p) => ({
      providerId: p.providerId,
      name: p.name,
      flows: p.flows,
      ...(p.loginHintLabel !== undefined && { loginHintLabel: p.loginHintLabel }),
    })),
    fallbackToDocument: o.fallbackToDocument,
    lastSignIn: last ? presentTransaction(last) : null,
  };
}

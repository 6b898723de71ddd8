import type { BlocklistKind, CheckServices, Reason } from '../checks/check.ts';

const WHAT: Record<BlocklistKind, string> = {
  email: 'email address',
  phone: 'phone number',
  ip: 'IP address',
  document: 'document number',
};

/**
 * Looks a value up in the application's blocklist of its kind (when the pipeline provides one) and phrases the
 * reason: `<KIND>_BLOCKLISTED`, with the masked value, plus what the check keeps as evidence.
 */
export async function blocklistReason(
  services: Pick<CheckServices, 'blocklists'>,
  kind: BlocklistKind,
  value: string,
): Promise<{ reason: Reason; evidence: { id: string; display: string } } | undefined> {
  const hit = await services.blocklists?.find(kind, value);
  if (!hit) return undefined;
  return {
    reason: {
      code: `${kind.toUpperCase()}_BLOCKLISTED`,
      message: `The ${WHAT[kind]} is on the blocklist (${hit.display}).`,
    },
    evidence: { id: hit.id, display: hit.display },
  };
}

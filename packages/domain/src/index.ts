export * from './checks/check.ts';
export * from './decisions/decide.ts';
export * from './errors/error-codes.ts';
export * from './ids/ids.ts';
export * from './sessions/lifecycle.ts';
export * from './sessions/session.ts';
export * from './webhooks/signature.ts';
export * from './workflows/workflow.ts';

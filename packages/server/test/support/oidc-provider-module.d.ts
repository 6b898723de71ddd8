// oidc-provider ships no types; the test provider uses a small part of it.
declare module 'oidc-provider' {
  // biome-ignore lint/suspicious/noExplicitAny: untyped library, used only by tests
  export type KoaContextWithOIDC = any;
  // biome-ignore lint/suspicious/noExplicitAny: untyped library, used only by tests
  export const errors: Record<string, any>;
  // biome-ignore lint/suspicious/noExplicitAny: untyped library, used only by tests
  const Provider: any;
  // biome-ignore lint/suspicious/noExplicitAny: untyped library, used only by tests
  type Provider = any;
  export default Provider;
}

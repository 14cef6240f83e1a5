export * from './consultation-policy.ts';
export * from './consultation-rules.ts';

export * from './intervals.ts';
export * from './monitor-state.ts';
export * from './availability.ts';
export * from './windows.ts';
export * from './recurrence.ts';
export * from './rollup.ts';
export * from './tls.ts';

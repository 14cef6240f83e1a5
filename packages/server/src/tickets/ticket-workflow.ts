// The status workflow is agreement logic and lives in core (packages/core/src/sla/workflow.ts).
export { allowedTransitions, assertTransition } from '../sla/sla-core.ts';

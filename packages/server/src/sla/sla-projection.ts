export {
  projectClock,
  type ClockView,
  type PersistedClock,
  type ProjectedClock,
  type ProjectionAt,
} from '@accord/core';

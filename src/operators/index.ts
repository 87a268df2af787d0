export type {
  EvaluationContext,
  OperandCheck,
  OperandKind,
  OperandShow,
  OperatorCache,
  OperatorDefinition,
  OperatorOutcome,
  OperatorStatus,
} from './definition.js';
export type { Accepted, Bound } from './accepted.js';
export { valueKey, isTimestamp } from './accepted.js';
export { createOperatorCache } from './cache.js';
export { evaluateOperator } from './evaluate.js';
export type { OperatorInput } from './evaluate.js';
export { OPERATORS, OPERATOR_DEFINITIONS, isOperator, operatorsFor } from './registry.js';
export type { OperatorRegistry } from './registry.js';
export { daysUntilText, forecastFor, forecastText } from './forecast.js';

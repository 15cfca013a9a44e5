// @ts-check
/**
 * size-limit's checks (`npm run size`, after scripts/bundle.mjs): the budgets of
 * scripts/size-checks.mjs, which reads the autoloader's file lists from the bundle's output.
 */
import { sizeBudgets } from './scripts/size-checks.mjs';

export default sizeBudgets().map((budget) => budget.check);

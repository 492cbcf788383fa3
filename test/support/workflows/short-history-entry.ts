// The service's workflows, with the short-history profile registered (test/support/short-history-profile.ts).
import '../short-history-profile';

export * from '../../../workflows/index';

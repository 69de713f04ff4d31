import { configFor } from '@parley/eslint-config';

export default configFor('client', import.meta.dirname);

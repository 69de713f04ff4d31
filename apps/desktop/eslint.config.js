import { configFor } from '@parley/eslint-config';

export default configFor('desktop', import.meta.dirname);

import { EngineError } from '../engine/errors';

/** The dispatcher's answer to the file.* commands: the browser host and the CLI have no native dialog. */
export const fileDialogsUnavailable = {
  'file.exportWithDialog': notAvailable,
  'file.importWithDialog': notAvailable,
  'file.cancelTransfer': notAvailable,
};

/** Thrown, as engine errors are, so the dispatcher answers with it. */
function notAvailable(): never {
  throw new EngineError(
    'NOT_AVAILABLE',
    'Not available in the browser host: save and open dialogs belong to the desktop app (the host exports as a download and imports as an upload)',
  );
}

import { useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { IconUpload } from '../../components/Icons';
import { ErrorNotice, Loading } from '../../components/States';
import { api, connection } from '../../api/client';
import { asIpcError } from '../../api/errors';
import { useBenchStore } from '../../store/bench';
import { bytes } from './format';

/** Model choice: a bundled sample, a file (picker or drag and drop), or the desktop's open dialog. */
export function ModelPicker({ disabled }: { disabled: boolean }) {
  const s = useBenchStore(
    useShallow((st) => ({
      samples: st.samples,
      model: st.model,
      status: st.catalogueStatus,
      uploading: st.uploading,
      error: st.formError,
      choose: st.chooseModel,
      upload: st.uploadFile,
    })),
  );
  const input = useRef<HTMLInputElement>(null);
  // The desktop app has a real open dialog (a path, nothing to upload); the browser a file input.
  const desktop = connection().transport.kind === 'electron';
  const openDialog = async () => {
    try {
      const { path } = await api().app.pickModel();
      if (path) s.choose({ path, name: path.split(/[\\/]/).pop() ?? path, origin: 'dialog' });
    } catch (e) {
      useBenchStore.setState({ formError: asIpcError(e) });
    }
  };
  const [over, setOver] = useState(false);

  return (
    <div className="model-picker">
      <div className="label">Model</div>
      {s.status === 'loading' && <Loading label="Finding sample models…" />}
      <div className="samples" role="radiogroup" aria-label="Sample models">
        {s.samples.map((m) => (
          <button
            key={m.path}
            role="radio"
            aria-checked={s.model?.path === m.path}
            className={`sample ${s.model?.path === m.path ? 'selected' : ''}`}
            disabled={disabled}
            onClick={() =>
              s.choose({ path: m.path, name: m.name, origin: 'sample', sizeBytes: m.sizeBytes })
            }
            title={m.description}
            data-testid={`sample-${m.file}`}
          >
            <span className="strong">{m.name}</span>
            <span className="muted small">
              {m.file} · {bytes(m.sizeBytes)}
            </span>
          </button>
        ))}
      </div>
      <div
        className={`dropzone ${over ? 'over' : ''} ${disabled ? 'disabled' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          if (!disabled) setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => {
          e.preventDefault();
          setOver(false);
          const file = e.dataTransfer.files[0];
          if (file && !disabled) void s.upload(file);
        }}
        data-testid="dropzone"
      >
        <IconUpload />
        <span>
          {s.uploading ? 'Sending the file…' : 'Drop a model file here or'}{' '}
          {!s.uploading && (
            <button
              className="link"
              disabled={disabled}
              onClick={() => (desktop ? void openDialog() : input.current?.click())}
              data-testid="choose-model"
            >
              choose one
            </button>
          )}
        </span>
        <span className="muted small">.onnx or .rknn</span>
        <input
          ref={input}
          type="file"
          accept=".onnx,.rknn,.ort"
          hidden
          data-testid="model-file"
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) void s.upload(file);
            e.target.value = '';
          }}
        />
      </div>
      {s.model && s.model.origin !== 'sample' && (
        <div className="chosen" title={s.model.path}>
          <span className="muted small">{s.model.origin === 'file' ? 'Uploaded' : 'Opened'}:</span>{' '}
          <span className="mono">{s.model.name}</span>{' '}
          {s.model.sizeBytes !== undefined && (
            <span className="muted small">{bytes(s.model.sizeBytes)}</span>
          )}
        </div>
      )}
      {s.error && <ErrorNotice error={s.error} compact />}
    </div>
  );
}

// Catches a view that fails to draw, so the person keeps their project and can undo the change that broke it.
import { Component, type ErrorInfo, type ReactNode } from 'react';

/** Props of the error boundary: what to draw, what to offer, and a value whose change retries drawing. */
export interface ViewErrorBoundaryProps {
  children: ReactNode;
  resetKey: unknown;
  onUndo: () => void;
}

/** Shows a plain message with Undo instead of a blank page when a view throws. */
export class ViewErrorBoundary extends Component<ViewErrorBoundaryProps, { error?: Error }> {
  override state: { error?: Error } = {};

  static getDerivedStateFromError(error: Error): { error: Error } {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.warn('A designer view failed to draw', error, info.componentStack);
  }

  override componentDidUpdate(previous: ViewErrorBoundaryProps): void {
    if (this.state.error && previous.resetKey !== this.props.resetKey) this.setState({ error: undefined });
  }

  override render(): ReactNode {
    if (!this.state.error) return this.props.children;
    return (
      <div className="centered-note" role="alert">
        <h2>This view could not be shown</h2>
        <p>
          The last change left the project in a state the designer cannot draw ({this.state.error.message}).
          Your work is saved; undo the change to go back.
        </p>
        <button type="button" onClick={this.props.onUndo}>
          Undo the last change
        </button>
      </div>
    );
  }
}

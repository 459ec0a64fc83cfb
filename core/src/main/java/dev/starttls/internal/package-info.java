/**
 * Implementation details shared by the protocol modules: wire-safe writes, failure mapping, socket wrappers and the
 * trust manager that enforces subjectAltName checks. Not API: anything here may change in any release; do not call it
 * from application code.
 */
package dev.starttls.internal;

/**
 * Implementation details shared by the protocol modules: reply parsing, wire-safe writes, failure mapping and the
 * trust manager that enforces subjectAltName checks. Not API: anything here may change in any release; do not call it
 * from application code.
 */
package dev.starttls.internal;

/**
 * Small cross-cutting types with no feature of their own, shared by several features (for
 * example {@link io.github.springwithings.support.Sleeper}). Nothing here depends on another
 * package of the starter.
 */
package io.github.springwithings.support;

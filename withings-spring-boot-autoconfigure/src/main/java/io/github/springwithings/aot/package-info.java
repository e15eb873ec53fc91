/**
 * Ahead-of-time processing and native images: the starter's runtime hints.
 */
package io.github.springwithings.aot;

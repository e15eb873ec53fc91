/**
 * The Spring Boot auto-configuration of the starter: one auto-configuration per feature, each
 * with its {@code withings.*} switch, and the properties they bind.
 */
package io.github.springwithings.autoconfigure;

/**
 * The {@code withings} health contributor: the application's own store, with Withings'
 * reachability in the details; never one user's link.
 */
package io.github.springwithings.actuate.health;

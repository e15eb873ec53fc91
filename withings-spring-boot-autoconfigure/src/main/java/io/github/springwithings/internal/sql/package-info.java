/**
 * Internal: the SQL plumbing shared by the relational stores of the authorized clients, the
 * keep-alive's sweep log and the cluster rate budget, on JDBC or R2DBC. Not API: it may change
 * in any release.
 */
package io.github.springwithings.internal.sql;

/**
 * The backend service-provider interface. A backend is a {@link java.util.ServiceLoader} provider of
 * {@link dev.kairos.spi.Backend} with a lifecycle in phases: probe (detect hardware, allocate
 * nothing; "no GPU" is a result, not an exception), create memories, create processors, connect
 * (affinities and copy paths), close (free what the phases allocated). Core never imports a backend.
 */
package dev.kairos.spi;

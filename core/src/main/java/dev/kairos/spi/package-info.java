/**
 * The backend service-provider interface. A backend is a {@link java.util.ServiceLoader} provider of
 * {@link dev.kairos.spi.Backend} with a lifecycle: probe (detect hardware, allocate nothing; "no
 * GPU" is a result, not an exception), start (contribute processors, memories and copy paths to
 * the machine), close (free what start allocated). Core never imports a backend.
 */
package dev.kairos.spi;

// Replaced by the silo host.
return 0;

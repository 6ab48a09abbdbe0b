// Replaced by the standalone gateway host.
return 0;

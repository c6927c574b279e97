git update-index --add --cacheinfo 160000,5b2e8e5a3bbd7c5ff7c0abe5d0de9c9e51c8a7f1,content/status/alpha/liite
